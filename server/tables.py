"""Every module that declares tables, imported together so that ``Base.metadata`` knows them all (the migrations'
environment and the check that the migrations build exactly the models import this)."""

from __future__ import annotations

import economy.models  # noqa: F401
import games.commerce.models
import games.models
import games.share.models  # noqa: F401
import server.models  # noqa: F401
