"""Tasks and points rules (任务与积分): what shoppers earn for what they do in the host app and in the campaign's
games (:mod:`games.tasks.game`)."""
