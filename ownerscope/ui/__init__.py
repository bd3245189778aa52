"""The Dash web app: pages own their layout and callbacks; component ids live in ids.py."""
