"""The one colour per exposure status, shared by the explorer (rings, badges, legend) and every report
(HTML, PDF, SVG picture): "exposed" is the same blue everywhere."""

STATUS_COLOURS = {"listed": "#c62828", "derived": "#ef6c00", "possible": "#f9a825", "review": "#8e24aa",
                  "exposed": "#1565c0", "clear": "#607d8b"}
NO_LIST_COLOUR = "#8a8a8a"
