"""Campaign messages (活动推送): who should hear about a campaign, when and how often, the deliveries to the host's
push gateway and the in-app inbox, and what came of them (the funnel)."""
