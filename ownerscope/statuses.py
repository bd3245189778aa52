"""The exposure statuses, most serious first, and the one colour per status, shared by the engine, the
explorer (rings, badges, legend) and every report (HTML, PDF, SVG picture): "exposed" is the same blue
everywhere."""

STATUSES = ("listed", "derived", "possible", "review", "exposed", "clear")
CODE = {s: i for i, s in enumerate(STATUSES)}

STATUS_COLOURS = {"listed": "#c62828", "derived": "#ef6c00", "possible": "#f9a825", "review": "#8e24aa",
                  "exposed": "#1565c0", "clear": "#607d8b"}
NO_LIST_COLOUR = "#8a8a8a"
