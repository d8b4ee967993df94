"""HTML pages. They carry no rules: the JavaScript talks to the API and only draws what it answers."""

from __future__ import annotations

import time
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from sqlalchemy import select
from werkzeug.wrappers import Response

import web
from economy.mall.models import MallGood
from games.engine.contract import Rejection
from games.engine.play import active_campaign, campaign_config
from games.invite.links import accept
from games.models import Campaign, Player
from server import db
from server.api_public import find_campaign
from server.api_session import launch_shopper
from server.csrf import allow_cross_origin
from server.demo import DEMO_SHOPPERS
from server.errors import ApiError
from server.launch import MAX_LIFETIME_SECONDS, sign
from server.launch_guard import opened_by_host, verified_launch
from server.models import User, mask_name
from server.share_links import signed

bp = Blueprint("pages", __name__)
WEB_DIR = Path(web.__file__).parent
GAME_PAGES = {  # the games with a page, in tab order (a campaign's board first: its wheel is what the board feeds)
    "monopoly": "pages.monopoly_page",
    "wheel": "pages.wheel_page",
    "checkin": "pages.checkin_page",
    "share": "pages.share_page",
}
GAME_NAMES = {"checkin": "check-in calendar", "monopoly": "Monopoly board", "share": "share-to-unlock game"}
VENDOR = {"chart.js": "dist", "qrcode-generator": "dist", "socket.io-client": "dist", "swagger-ui-dist": ""}


@bp.get("/")
def home() -> Response:
    """Development: the demo login; otherwise the API docs."""
    target = (
        "pages.demo_login" if current_app.extensions["carnival.settings"].development else "api-docs.openapi_swagger_ui"
    )
    return redirect(url_for(target))


@bp.route("/play/launch", methods=["GET", "POST"])
@allow_cross_origin  # a one-time signed token; whether it came from the host is checked here (opened_by_host)
def launch() -> str | Response | tuple[str, int]:
    """The host app opens the web view here with ``?token=...&campaign=ID`` (or POSTs those fields from its
    page); ``&share=CODE`` opens a friend's share link, ``&invite=CODE`` records the inviter whose link the shopper
    arrived through (the first inviter stays). Opened from another site, a GET only asks the shopper to confirm who
    they enter as."""
    settings = current_app.extensions["carnival.settings"]
    token = request.values.get("token", "")
    try:
        if not opened_by_host(request, settings.launch_origins):
            return _confirm_launch(token)
        shopper_id = launch_shopper(token).id
    except ApiError as error:
        return render_template("play/error.html", code=error.code, message=error.message), error.status
    campaign, lang = _landing()
    game, share, invite = request.values.get("game"), request.values.get("share"), request.values.get("invite")
    if invite and signed(invite):
        _accept_invitation(shopper_id, invite)
    target = _landing_page(campaign, game, share, lang) if campaign else None
    return redirect(target or url_for("pages.wallet_page", lang=lang), 303 if request.method == "POST" else 302)


def _accept_invitation(shopper_id: int, code: str) -> None:
    """Record the invitation of the link the shopper arrived through (nothing for their own link or an unknown one:
    the landing goes on)."""
    with db.transaction() as db_session:
        accept(db_session, code, shopper_id, db.now())


def _landing_page(campaign_id: int, asked: str | None, share: str | None, lang: str | None) -> str:
    """The page a launch into ``campaign_id`` opens: a friend's ``share`` link (a code this server signed) when the
    campaign has shares, else the game it ``asked`` for (``?game=checkin``) when the campaign has it, else its first
    game with a page; the wheel's page (it names an unknown campaign) otherwise."""
    games = _campaign_games(campaign_id)
    if share and "share" in games and signed(share):
        return url_for("pages.share_help_page", campaign_id=campaign_id, code=share, lang=lang)
    game = asked if asked in games else next(iter(games), "wheel")
    return url_for(GAME_PAGES[game], campaign_id=campaign_id, lang=lang)


def _campaign_games(campaign_id: int) -> list[str]:
    """The games of a published campaign that have a page, in tab order (none for an unknown campaign)."""
    try:
        campaign = find_campaign(campaign_id)
    except ApiError:
        return []
    games = campaign_config(db.session(), current_app.extensions["carnival.registry"], campaign).games
    return [key for key in GAME_PAGES if key in games]


def _confirm_launch(token: str) -> str:
    """The confirmation page of a launch from another site. :raises ApiError: for a bad token or a POST."""
    if request.method == "POST":
        raise ApiError(403, "launch_not_from_host", "this page was not opened by the app; open it from the app")
    shopper = verified_launch(token)
    campaign, lang = _landing()
    carried = {name: _carried(name) for name in ("game", "share", "invite")}  # where the confirmed launch goes on to
    return render_template(
        "play/launch_confirm.html", token=token, campaign=campaign, lang=lang, name=mask_name(shopper.name),
        carried=carried,
    )  # fmt: skip


def _carried(name: str) -> str | None:
    """A launch parameter the confirmation carries on: a game key, or a link code this server signed."""
    value = request.values.get(name)
    if value is None:
        return None
    valid = value in GAME_PAGES if name == "game" else signed(value)
    return value if valid else None


def _landing() -> tuple[int | None, str | None]:
    """The campaign (a positive id, or none: the wallet) and the language a launch asked for."""
    campaign = request.values.get("campaign", type=int)
    lang = request.values.get("lang")
    return (campaign if campaign is not None and campaign >= 1 else None), (lang if lang in ("zh", "en") else None)


@bp.get("/play/<int:campaign_id>")
def wheel_page(campaign_id: int) -> str | tuple[str, int]:
    """The wheel (抽奖转盘)."""
    return _campaign_page("play/wheel/page.html", campaign_id, game="wheel")


@bp.get("/play/<int:campaign_id>/checkin")
def checkin_page(campaign_id: int) -> str | tuple[str, int]:
    """The check-in calendar (签到日历)."""
    return _campaign_page("play/checkin/page.html", campaign_id, game="checkin")


@bp.get("/play/<int:campaign_id>/monopoly")
def monopoly_page(campaign_id: int) -> str | tuple[str, int]:
    """The Monopoly board (白条大富翁) with its tasks."""
    return _campaign_page("play/monopoly/page.html", campaign_id, game="monopoly")


@bp.get("/play/<int:campaign_id>/share")
def share_page(campaign_id: int) -> str | tuple[str, int]:
    """Share-to-unlock (分享助力): the shopper's share, its progress, helpers and unlocks, and its poster."""
    return _campaign_page("play/share/page.html", campaign_id, game="share")


@bp.get("/play/<int:campaign_id>/share/<string(maxlength=64):code>")
def share_help_page(campaign_id: int, code: str) -> str | tuple[str, int]:
    """A friend's share link: whose share, what helping gives and may win, and the 助力 button."""
    if not signed(code):
        return render_template("play/error.html", code="share_not_found", message="this share link is not valid"), 404
    return _campaign_page("play/share/help.html", campaign_id, game="share", share_code=code)


@bp.get("/play/<int:campaign_id>/rules")
def rules_page(campaign_id: int) -> str | tuple[str, int]:
    """The public rules and odds page."""
    return _campaign_page("play/rules.html", campaign_id)


@bp.get("/play/<int:campaign_id>/mall")
def mall_page(campaign_id: int) -> str | tuple[str, int]:
    """The points mall (积分商城): the shopper's points and tier, the goods at their tier price; its back link goes
    to the campaign's first game page (none when it has no game with a page)."""
    games = _campaign_games(campaign_id)
    back = url_for(GAME_PAGES[games[0]], campaign_id=campaign_id) if games else ""
    return _campaign_page("play/mall/home.html", campaign_id, back_url=back)


@bp.get("/play/<int:campaign_id>/mall/<int:good_id>")
def mall_good_page(campaign_id: int, good_id: int) -> str | tuple[str, int]:
    """A good of the points mall: its details and limits, the quantity, 立即兑换."""
    return _campaign_page("play/mall/good.html", campaign_id, good_id=str(good_id))


@bp.get("/play/<int:campaign_id>/mall/orders")
def mall_orders_page(campaign_id: int) -> str | tuple[str, int]:
    """The shopper's redemptions in the points mall (我的兑换), an undelivered one cancellable."""
    return _campaign_page("play/mall/orders.html", campaign_id)


def _campaign_page(template: str, campaign_id: int, game: str | None = None, **context: str) -> str | tuple[str, int]:
    """A page of a published campaign (``context`` for its template), or the error page (404) naming the unknown
    campaign (or, for the check-in, Monopoly and share pages, the game the campaign does not have). A game's page
    gets tabs to the campaign's game pages when it has more than one; every page gets the top bar's bell to the
    shopper's messages (:func:`inbox_page`), back to this campaign."""
    try:
        find_campaign(campaign_id)
    except ApiError as error:
        return render_template("play/error.html", code=error.code, message=error.message), error.status
    games = _campaign_games(campaign_id) if game else []
    if game in GAME_NAMES and game not in games:
        message = f"campaign {campaign_id} has no {GAME_NAMES[game]}"
        return render_template("play/error.html", code="game_not_found", message=message), 404
    tabs = [{"game": key, "url": url_for(GAME_PAGES[key], campaign_id=campaign_id)} for key in games]
    shown = tabs if len(tabs) > 1 else []
    inbox = url_for("pages.inbox_page", campaign=campaign_id)  # the top bar's bell: the shopper's messages
    return render_template(template, campaign_id=campaign_id, game=game, game_tabs=shown, inbox_url=inbox, **context)


@bp.get("/play/wallet")
def wallet_page() -> str:
    """The shopper's wallet; ``?campaign=ID`` links back to that campaign's first game page, and to its points mall
    when the mall is open (:func:`_mall_open`)."""
    campaign_id = request.args.get("campaign", type=int)
    games = _campaign_games(campaign_id) if campaign_id else []
    back = url_for(GAME_PAGES[games[0]], campaign_id=campaign_id) if games else None
    mall = url_for("pages.mall_page", campaign_id=campaign_id) if campaign_id and _mall_open(campaign_id) else None
    return render_template("play/wallet.html", campaign_id=campaign_id, back_url=back, mall_url=mall)


@bp.get("/play/inbox")
def inbox_page() -> str:
    """The shopper's campaign messages (活动消息), newest first, each opening its campaign page, and the switch that
    stops them; ``?campaign=ID`` links back to that campaign's first game page."""
    campaign_id = request.args.get("campaign", type=int)
    games = _campaign_games(campaign_id) if campaign_id else []
    back = url_for(GAME_PAGES[games[0]], campaign_id=campaign_id) if games else None
    return render_template("play/inbox.html", back_url=back)


def _mall_open(campaign_id: int) -> bool:
    """Whether the campaign's points mall opens: the campaign is running (the mall's API says so too) and has goods."""
    db_session = db.session()
    try:
        active_campaign(db_session, campaign_id, db.now())
    except Rejection:
        return False
    return (
        db_session.scalars(select(MallGood.id).where(MallGood.campaign_id == campaign_id).limit(1)).first() is not None
    )


@bp.get("/dev/login")
def demo_login() -> Response:
    """Development only: the demo shoppers, each with a freshly minted launch token."""
    settings = current_app.extensions["carnival.settings"]
    if not settings.development:
        abort(404)
    db_session = db.session()
    campaigns = list(db_session.scalars(select(Campaign).where(Campaign.version_id.is_not(None)).order_by(Campaign.id)))
    entered = set(  # shoppers who opened a campaign (the demo seeds every account, so an account says nothing)
        db_session.scalars(select(User.external_id).join(Player, Player.user_id == User.id).distinct())
    )
    expires = int(time.time()) + MAX_LIFETIME_SECONDS
    key = settings.launch_keys.signing
    shoppers = [
        {**s, "token": sign(key, s["sub"], s["name"], s["tier"], expires), "seen": s["sub"] in entered}
        for s in DEMO_SHOPPERS
    ]
    page = make_response(render_template("play/demo_login.html", shoppers=shoppers, campaigns=campaigns))
    page.headers["Cache-Control"] = "no-store"  # each link is good for one launch: coming back mints new ones
    return page


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str) -> Response:
    """Front-end libraries installed by npm into web/node_modules (never copied into the repository)."""
    if package not in VENDOR:
        abort(404)
    return send_from_directory(WEB_DIR / "node_modules" / package / VENDOR[package], filename)


@bp.get("/api/health")
def health() -> dict[str, bool]:
    """Liveness: answers without touching the database."""
    return {"ok": True}
