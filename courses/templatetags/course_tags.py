from django import template

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    """A running time people read at a glance: "1 h 05 min", "45 min", "under 1 min"."""
    minutes = round((seconds or 0) / 60)
    if not seconds:
        return "0 min"
    if minutes < 1:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"
