"""Photos of the evening: which photos the workshop holds, their captions, and which go
into the plan (the newsletter's 「当日の様子」).

A photo's file never enters the log: the server keeps it in the data folder under the
SHA-256 of its (resized, EXIF-free) bytes, and the log records only that hash with the
caption (``add_photo``). Only the facilitator and つむぎすと (co-facilitators) handle
photos, and only they see them (the ``photos`` kind of the views is privileged).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from . import limits
from .commands import MODERATORS, Draft, clean_text, command, flag
from .errors import Refusal
from .model import Actor, Event, Photo, WorkshopState, applies
from .touch import Touch

# What the server names a photo by: the SHA-256 of its stored bytes, in lower-case hex.
PHOTO_HASH = re.compile(r"[0-9a-f]{64}")


def is_photo_hash(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and PHOTO_HASH.fullmatch(value) is not None


def photo_ref(state: WorkshopState, args: Mapping[str, Any]) -> str:
    value = args.get("hash")
    if not isinstance(value, str) or value not in state.photos:
        raise Refusal("unknown_photo")
    return value


def caption(args: Mapping[str, Any]) -> str:
    return clean_text(args, "caption", limits.PHOTO_CAPTION_MAX_CHARS,
                      empty_code="empty_caption", long_code="caption_too_long",
                      allow_empty=True)


@command("add_photo", MODERATORS, takes=("hash", "caption"))
def add_photo(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Record a photo the server has just stored (the HTTP upload sends this). The same
    photo uploaded twice is one photo: nothing new is recorded."""
    value = args.get("hash")
    if not is_photo_hash(value):
        raise Refusal("bad_photo")
    text = caption(args)
    if value in state.photos:
        return []
    if len(state.photos) >= limits.PHOTOS_MAX:
        raise Refusal("too_many_photos", max=limits.PHOTOS_MAX)
    return [("PhotoAdded", {"hash": value, "caption": text})]


@command("caption_photo", MODERATORS, takes=("hash", "caption"))
def caption_photo(state: WorkshopState, actor: Actor,
                  args: Mapping[str, Any]) -> list[Draft]:
    photo = photo_ref(state, args)
    text = caption(args)
    if text == state.photos[photo].caption:
        return []
    return [("PhotoCaptioned", {"hash": photo, "caption": text})]


@command("choose_photo", MODERATORS, takes=("hash", "chosen"))
def choose_photo(state: WorkshopState, actor: Actor,
                 args: Mapping[str, Any]) -> list[Draft]:
    """「計画に入れる」: whether the photo goes into the exported plan."""
    photo = photo_ref(state, args)
    chosen = flag(args, "chosen")
    if chosen == state.photos[photo].chosen:
        return []
    return [("PhotoChosen", {"hash": photo, "chosen": chosen})]


@command("remove_photo", MODERATORS, takes=("hash",))
def remove_photo(state: WorkshopState, actor: Actor,
                 args: Mapping[str, Any]) -> list[Draft]:
    return [("PhotoRemoved", {"hash": photo_ref(state, args)})]


def _photo(data: dict[str, Any], before: WorkshopState) -> Touch:
    return Touch().add("photos", data["hash"])


@applies("PhotoAdded", made_by="add_photo", touches=_photo)
def _added(state: WorkshopState, e: Event) -> None:
    h = e.data["hash"]
    state.photos[h] = Photo(hash=h, caption=e.data["caption"], meeting=state.meeting)


@applies("PhotoCaptioned", made_by="caption_photo", touches=_photo)
def _captioned(state: WorkshopState, e: Event) -> None:
    state.photos[e.data["hash"]].caption = e.data["caption"]


@applies("PhotoChosen", made_by="choose_photo", touches=_photo)
def _chosen(state: WorkshopState, e: Event) -> None:
    state.photos[e.data["hash"]].chosen = bool(e.data["chosen"])


@applies("PhotoRemoved", made_by="remove_photo", touches=_photo)
def _removed(state: WorkshopState, e: Event) -> None:
    del state.photos[e.data["hash"]]
