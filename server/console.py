"""The ``carnival`` console script. ``carnival audit verify`` runs without loading the web app (an
auditor's machine needs no server, database or secret, and the check starts at once); every other command
goes through the app's CLI (:mod:`server.cli`)."""

from __future__ import annotations

import sys

VERIFY = ["audit", "verify"]


def main() -> None:
    """Run ``carnival`` with the command line's arguments."""
    if sys.argv[1:3] == VERIFY:
        from server.cli_verify import audit_verify

        audit_verify.main(args=sys.argv[3:], prog_name="carnival audit verify")
        return
    from server.cli import main as app_cli

    app_cli()
