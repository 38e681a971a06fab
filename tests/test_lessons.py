"""Lesson files (scenarios/lessons/): validated at load, one line per problem."""

import pytest

from sim.dashboard import lessons


def test_the_bundled_lessons_load():
    good, bad = lessons.load_all()
    assert not bad and len(good) >= 3
    for lesson in good.values():
        assert lesson.title.en and lesson.title.zh and lesson.steps


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: {en: a}\nsteps: [{say: {en: b, zh: c}}]\n", "title.zh: required"),
        ("title: {en: a, zh: b}\nsteps: []\n", "steps: "),
        ("title: {en: a, zh: b}\nsteps: [{say: {en: x, zh: y}, do: 1}]\n",
         "steps.0.do: unknown key (allowed here: say, levers, play_to, replicate)"),
        ("title: {en: a, zh: b}\nsteps: [{say: {en: x, zh: y}, play_to: '30'}]\n",
         "steps.0.play_to: must be a whole number (got '30': text, not a number"),
        ("title: {en: a, zh: b}\nleft: nowhere\nsteps: [{say: {en: x, zh: y}}]\n",
         "left: unknown scenario 'nowhere'"),
        ("title: {en: a, zh: b}\nsteps: [{say: {en: x, zh: y}, levers: {right: {hiss: true}}}]\n",
         "steps.0.levers.right.hiss: unknown lever"),
        ("title: {en: a, zh: b}\n"
         "steps: [{say: {en: x, zh: y}, levers: {right: {whistle: {deadline_days: 0}}}}]\n",
         "steps.0.levers.right.whistle.deadline_days: must be >= 1 (got 0)"),
        ("title: {en: a, zh: b}\ntitle: {en: c, zh: d}\n", "duplicate key 'title'"),
        ("- a list\n", "expected a mapping of lesson keys"),
        ("", "the file is empty"),
    ],
)  # fmt: skip
def test_a_bad_lesson_is_one_line_naming_file_and_field(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(lessons.LessonError) as err:
        lessons.load(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: ") and expected in msg, msg
    assert "\n" not in msg
