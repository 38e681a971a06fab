"""Lessons: short bilingual sequences of steps a teacher follows (or edits) in class.

A lesson is a YAML file in `scenarios/lessons/`, read with the strict loader of
scenario files (`sim.scenarios.read_mapping`) and validated here; any problem is
one line naming the file and the field, and the dashboard shows it instead of the
lesson (a bad file never breaks the page). A step says something in both languages
and may carry actions the "Do it" button performs: switch levers from today,
play to a day, run the replications.

    title: {en: "Why does the chorus win?", zh: "大合唱为何胜出?"}
    left: classroom            # bundled scenarios; both sides restart with them
    right: classroom
    steps:
      - say: {en: "Press Play. What happens to the backlog?", zh: "点击播放。积压如何变化?"}
        play_to: 30            # "Do it": play both sides to day 30
      - say: {en: "Switch on the whistle on the right.", zh: "在右侧开启吹哨报到。"}
        levers: {right: {whistle: true}}   # from today; a mapping sets knobs too
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError

from sim import scenarios
from sim.limits import MAX_DAYS
from sim.params import LEVER_NAMES, Frozen

Line = Annotated[str, StringConstraints(min_length=1, max_length=600, strip_whitespace=True)]


class LessonError(ValueError):
    """A lesson file that cannot be used; the message is one line naming file and field."""


class Text(Frozen):
    """The same words in both languages."""

    en: Line
    zh: Line


class Step(Frozen):
    """What the teacher says, and what "Do it" does (each optional)."""

    say: Text
    levers: dict[Literal["left", "right"], dict[str, bool | dict[str, Any]]] = Field(
        default_factory=dict,
        description="levers to change from today, per side: true / false, or settings",
    )
    play_to: Annotated[int, Field(ge=1, le=MAX_DAYS)] | None = Field(
        None, description="play both sides to this day"
    )
    replicate: bool = Field(False, description="run the replications")


class Lesson(Frozen):
    title: Text
    left: str = "classroom"
    right: str = "classroom"
    steps: Annotated[tuple[Step, ...], Field(min_length=1, max_length=40)]


MODELS = {"": Lesson, "title": Text, "steps": Step, "say": Text}


def lessons_dir() -> Path:
    return scenarios.bundled_dir() / "lessons"


def bundled() -> dict[str, Path]:
    d = lessons_dir()
    return {p.stem: p for p in sorted(d.glob("*.yaml"))} if d.is_dir() else {}


def _where(loc: tuple) -> str:
    return ".".join(str(x) for x in loc) or "(top level)"


def _message(err: dict) -> str:
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        names = [x for x in loc[:-1] if isinstance(x, str)]
        model = MODELS.get(names[-1] if names else "", Lesson)
        return f"{_where(loc)}: unknown key (allowed here: {', '.join(model.model_fields)})"
    return scenarios.one_error(err)[1]


def validate(data: dict, path: Path) -> Lesson:
    """The mapping as a Lesson, strictly (as scenario files: no text taken for a number),
    with its scenarios and lever settings checked against the model."""
    try:
        lesson = Lesson.model_validate_json(json.dumps(data), strict=True)
    except (TypeError, ValueError) as e:
        if isinstance(e, ValidationError):
            raise LessonError(f"{path}: {_message(e.errors()[0])}") from None
        raise LessonError(f"{path}: {e}") from None
    known = scenarios.bundled()
    for side in ("left", "right"):
        name = getattr(lesson, side)
        if name not in known:
            raise LessonError(
                f"{path}: {side}: unknown scenario {name!r} (bundled: {', '.join(known)})"
            )
    for i, step in enumerate(lesson.steps):
        for side, changes in step.levers.items():
            for lever, value in changes.items():
                where = f"steps.{i}.levers.{side}.{lever}"
                if lever not in LEVER_NAMES:
                    raise LessonError(
                        f"{path}: {where}: unknown lever (levers: {', '.join(LEVER_NAMES)})"
                    )
                if "start_day" in (value if isinstance(value, dict) else {}):
                    raise LessonError(f"{path}: {where}.start_day: a lesson's change acts "
                                      "from the day it is made")  # fmt: skip
                base = scenarios.load(getattr(lesson, side))
                try:
                    base.with_levers(**{lever: value})
                except ValidationError as e:
                    field = scenarios.describe(e).removeprefix(f"levers.{lever}.")
                    raise LessonError(f"{path}: {where}.{field}") from None
    return lesson


def load(path: str | Path) -> Lesson:
    """A lesson file, validated; any problem is a LessonError of one line."""
    path = Path(path)
    try:
        data = scenarios.read_mapping(path, error=LessonError, what="lesson keys")
    except scenarios.ScenarioError as e:  # a bundled scenario it names is broken
        raise LessonError(str(e)) from None
    return validate(data, path)


def load_all(folder: Path | None = None) -> tuple[dict[str, Lesson], dict[str, str]]:
    """Every lesson of the folder that loads, and one line per file that does not."""
    files = bundled() if folder is None else {p.stem: p for p in sorted(folder.glob("*.yaml"))}
    good, bad = {}, {}
    for name, path in files.items():
        try:
            good[name] = load(path)
        except LessonError as e:
            bad[name] = str(e)
        except Exception as e:  # never break the page over a lesson
            bad[name] = f"{path}: {type(e).__name__}: {e}".splitlines()[0]
    return good, bad
