// Live events over Socket.IO (namespace /play, same-origin session cookie). Optional: without the
// socket.io-client script (web/node_modules not installed) the pages work, only without a ticker.

/** Connect, watch ``campaignId``'s ticker and call ``handlers[event](data)``; null when unavailable. */
export function connectLive(campaignId, handlers) {
  if (typeof window.io !== "function") return null;
  const socket = window.io("/play");
  socket.on("connect", () => socket.emit("watch", { campaign_id: campaignId }));
  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);
  return socket;
}
