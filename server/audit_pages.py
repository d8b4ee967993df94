"""The auditors' workspace (/audit). The page carries no data and decides nothing: its JavaScript signs in
through the session API, reads /api/audit and verifies draws itself (web/static/audit/verifier.js).

A signed-in user without the auditor role gets 403 (its "forbidden" panel offers to sign out); nobody
signed in gets 200 and the sign-in form."""

from __future__ import annotations

from flask import Blueprint, render_template

from server.auth import current_user

bp = Blueprint("audit_pages", __name__, url_prefix="/audit")


@bp.get("")
@bp.get("/")
def workspace_page() -> tuple[str, int]:
    """Sign-in (when needed), the campaigns, and per campaign: periods, reconciliation, statistics,
    one draw verified step by step, an export file verified in the browser."""
    user = current_user()
    return render_template("audit/workspace.html"), 403 if user is not None and user.role != "auditor" else 200
