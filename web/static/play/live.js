// Live events over Socket.IO (namespace /play, same-origin session cookie). Optional: without the
// socket.io-client script (web/node_modules not installed) the pages work, only without a ticker.

/**
 * Connect, watch ``campaignId``'s ticker and call ``handlers[event](data)``; ``onWatching(answer)`` hears the
 * server's answer to each watch ({"ok": true}, or an error). Null when live events are unavailable.
 */
export function connectLive(campaignId, handlers, onWatching = () => {}) {
  if (typeof window.io !== "function") return null;
  const socket = window.io("/play");
  socket.on("connect", () => socket.emit("watch", { campaign_id: campaignId }, onWatching));
  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);
  return socket;
}
