"""One router per resource; api/v1.py mounts them."""
