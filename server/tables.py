"""Every module that declares tables, imported together so that ``Base.metadata`` knows them all (the migrations'
environment and the check that the migrations build exactly the models import this)."""

from __future__ import annotations

from types import ModuleType

from economy import models as economy_tables
from economy.mall import models as mall_tables
from games import models as game_tables
from games.commerce import models as event_tables
from games.invite import models as invite_tables
from games.messages import models as message_tables
from games.share import models as share_tables
from server import models as server_tables

TABLE_MODULES: tuple[ModuleType, ...] = (
    economy_tables,
    mall_tables,
    game_tables,
    event_tables,
    invite_tables,
    message_tables,
    share_tables,
    server_tables,
)
