"""The points mall (积分商城): goods redeemed for points through the economy (:mod:`~economy.mall.redeem`), priced
by member tier (:mod:`~economy.mall.pricing`), kept in its own tables (:mod:`~economy.mall.models`)."""
