"""The Slack app manifest asks for exactly the scopes the code uses, and points at our route."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import handlers.slack
from handlers.slack.frontend import EVENTS_PATH, SLASH_COMMAND

SLACK_PACKAGE = Path(handlers.slack.__file__).parent
# Bot scopes each Web API method needs (api.slack.com/methods); None: a method we do not
# know yet, which the test refuses until it is added here and to the manifest.
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_postMessage": {"chat:write"},
    "conversations_join": {"channels:join"},
    "conversations_info": {"channels:read", "groups:read"},
    "users_conversations": {"channels:read", "groups:read"},
    "users_info": {"users:read"},
    "views_publish": set(),
}
EVENT_SCOPES = {"app_mention": {"app_mentions:read"}, "app_home_opened": set()}
_CLIENT_CALL = re.compile(r"client\.(\w+)\(")
_EVENT = re.compile(r'\.event\("(\w+)"\)')


def manifest() -> dict[str, object]:
    loaded = yaml.safe_load((SLACK_PACKAGE / "manifest.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in SLACK_PACKAGE.glob("*.py"))


def test_the_manifest_asks_for_exactly_the_scopes_the_code_uses() -> None:
    code = source()
    methods = set(_CLIENT_CALL.findall(code))
    events = set(_EVENT.findall(code))
    assert methods <= set(METHOD_SCOPES), f"scopes unknown for {methods - set(METHOD_SCOPES)}"
    needed = {"commands"}  # the slash command
    needed |= {"chat:write"}  # say() answers mentions with chat.postMessage
    for method in methods:
        needed |= METHOD_SCOPES[method]
    for event in events:
        needed |= EVENT_SCOPES[event]

    scopes = _bot_scopes()
    assert scopes == needed
    settings = manifest()["settings"]
    assert isinstance(settings, dict)
    assert set(settings["event_subscriptions"]["bot_events"]) == events


def _bot_scopes() -> set[str]:
    oauth = manifest()["oauth_config"]
    assert isinstance(oauth, dict)
    return set(oauth["scopes"]["bot"])


def test_the_manifest_points_commands_events_and_buttons_at_our_route() -> None:
    features, settings = manifest()["features"], manifest()["settings"]
    assert isinstance(features, dict)
    assert isinstance(settings, dict)
    [command] = features["slash_commands"]
    assert command["command"] == SLASH_COMMAND
    urls = {
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    }
    assert len(urls) == 1
    assert urls.pop().endswith(EVENTS_PATH)
    assert features["app_home"]["home_tab_enabled"] is True
