"""Names in the reader's order: by pinyin in Chinese (found by the trainer review: 刘洋 came
before 张伟 before 李明, the order of their code points)."""

from __future__ import annotations

from types import SimpleNamespace

from training.services.name_order import name_key, sort_by_name

NAMES = ["张伟", "刘洋", "李明", "王芳", "陈静", "赵敏", "曾志伟", "Alice Smith", "白雪"]


def test_chinese_names_sort_by_pinyin_in_chinese():
    # Hand-ordered, as a Chinese list of participants: Alice Smith by its letters (a…), then
    # bai2, chen2, li3, liu2, wang2, zeng1 (曾 as a surname, not céng), zhang1, zhao4.
    assert sorted(NAMES, key=lambda n: name_key(n, "zh")) == [
        "Alice Smith",
        "白雪",
        "陈静",
        "李明",
        "刘洋",
        "王芳",
        "曾志伟",
        "张伟",
        "赵敏",
    ]


def test_the_tone_orders_the_same_letters_and_shorter_comes_first():
    # mā (妈, ma1) before mǎ (马, ma3); li (李, li3) before lian (连, lian2).
    assert sorted(["马丽", "妈祖", "连杰", "李四"], key=lambda n: name_key(n, "zh")) == [
        "李四",
        "连杰",
        "妈祖",
        "马丽",
    ]


def test_english_readers_keep_the_order_of_the_letters():
    assert sorted(["bob", "Alice", "张伟", "李明"], key=lambda n: name_key(n, "en")) == [
        "Alice",
        "bob",
        "张伟",  # U+5F20
        "李明",  # U+674E
    ]


def test_sort_by_name_takes_users_or_rows_holding_one():
    users = [SimpleNamespace(name=n) for n in ("王芳", "陈静")]
    assert [u.name for u in sort_by_name(users, "zh")] == ["陈静", "王芳"]
    rows = [SimpleNamespace(user=u) for u in users]
    assert [r.user.name for r in sort_by_name(rows, "zh", lambda r: r.user.name)] == ["陈静", "王芳"]
