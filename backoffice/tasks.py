"""The back office's scheduled job: recompute the staff dashboard before anyone waits for it."""

from backoffice.dashboard import dashboard_refresh
from core.tasks import project_task


# The task keeps the name it was scheduled under before the back office had its own app.
@project_task(name="bds.admin_dashboard.dashboard_refresh_task")
def dashboard_refresh_task() -> str:
    return dashboard_refresh()["computed_at"].isoformat()
