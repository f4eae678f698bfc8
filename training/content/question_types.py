"""Quiz question types: a small registry of classes.

Each type validates its own YAML, turns submitted form values into a stored response,
grades a response and summarises it for people. A later type (ordering, matching, numeric)
is one more class registered here; the engine and templates look types up by name.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from training.content.errors import Collector
from training.content.parsing import bilingual


class QuestionType:
    name: ClassVar[str]
    #: template partial that renders the inputs, under templates/quizzes/types/
    template: ClassVar[str]

    def validate(self, raw: dict[str, Any], field: str, err: Collector) -> dict[str, Any]:
        """Check the YAML of one question and return the type-specific part of its body."""
        raise NotImplementedError

    def parse_response(self, values: list[str], body: dict[str, Any]) -> Any:
        """Submitted form values to a stored response; None when unanswered."""
        raise NotImplementedError

    def grade(self, body: dict[str, Any], response: Any) -> bool:
        raise NotImplementedError

    def summarise(self, body: dict[str, Any], response: Any, locale: str) -> str:
        """The response in words, for result pages and exports."""
        raise NotImplementedError

    def correct_summary(self, body: dict[str, Any], locale: str) -> str:
        raise NotImplementedError


#: options that only make sense in a fixed order ("all of the above", 以上都对 …)
POSITIONAL_OPTION = re.compile(
    r"\b(all|none|both|neither) of (the )?(above|these|the preceding)\b"
    r"|以上(都|皆|均|全|各项)|上述(都|皆|均|各项)",
    re.IGNORECASE,
)


class _OptionsType(QuestionType):
    def validate(self, raw, field, err):
        options = raw.get("options")
        if not isinstance(options, list) or len(options) < 2:
            err.add(f"{field}.options", "needs a list of at least two options")
            return {"options": [], "shuffle": True}
        shuffle = raw.get("shuffle", True)
        if not isinstance(shuffle, bool):
            err.add(f"{field}.shuffle", "must be true or false")
            shuffle = True
        seen: set[str] = set()
        parsed = []
        for i, option in enumerate(options):
            ofield = f"{field}.options[{i}]"
            if not isinstance(option, dict):
                err.add(ofield, "must be a mapping with id, text and optional correct")
                continue
            oid = str(option.get("id", "")).strip()
            if not oid:
                err.add(f"{ofield}.id", "is missing")
            elif oid in seen:
                err.add(f"{ofield}.id", f"'{oid}' is used twice in this question")
            seen.add(oid)
            correct = option.get("correct", False)
            if not isinstance(correct, bool):
                err.add(f"{ofield}.correct", "must be true or false")
            text = bilingual(option.get("text"), f"{ofield}.text", err)
            if shuffle and any(POSITIONAL_OPTION.search(t or "") for t in text.values()):
                err.add(
                    f"{ofield}.text",
                    "refers to the other options by position (all/none of the above, 以上都…): "
                    "options are shuffled, so rewrite it or set shuffle: false on the question",
                )
            parsed.append({"id": oid, "text": text, "correct": correct is True})
        self.check_correct_count(sum(o["correct"] for o in parsed), f"{field}.options", err)
        if "answer" in raw:
            err.add(f"{field}.answer", f"is only for true_false; {self.name} marks options correct")
        return {"options": parsed, "shuffle": shuffle}

    def check_correct_count(self, count: int, field: str, err: Collector) -> None:
        raise NotImplementedError

    @staticmethod
    def _option_text(body, oid, locale):
        for option in body.get("options", []):
            if option["id"] == oid:
                return option["text"].get(locale) or option["text"].get("en", oid)
        return oid

    def correct_ids(self, body) -> list[str]:
        return [o["id"] for o in body.get("options", []) if o["correct"]]


class SingleChoice(_OptionsType):
    name = "single"
    template = "quizzes/types/_single.html"

    def check_correct_count(self, count, field, err):
        if count != 1:
            err.add(field, f"single choice needs exactly one correct option, found {count}")

    def parse_response(self, values, body):
        ids = {o["id"] for o in body.get("options", [])}
        chosen = [v for v in values if v in ids]
        return chosen[0] if chosen else None

    def grade(self, body, response):
        return response is not None and [response] == self.correct_ids(body)

    def summarise(self, body, response, locale):
        return "" if response is None else self._option_text(body, response, locale)

    def correct_summary(self, body, locale):
        return "; ".join(self._option_text(body, oid, locale) for oid in self.correct_ids(body))


class MultipleChoice(_OptionsType):
    name = "multiple"
    template = "quizzes/types/_multiple.html"

    def check_correct_count(self, count, field, err):
        if count < 1:
            err.add(field, "multiple choice needs at least one correct option")

    def parse_response(self, values, body):
        ids = [o["id"] for o in body.get("options", [])]
        chosen = [i for i in ids if i in set(values)]
        return chosen or None

    def grade(self, body, response):
        """All or nothing: exactly the correct options and no other."""
        return response is not None and set(response) == set(self.correct_ids(body))

    def summarise(self, body, response, locale):
        return "; ".join(self._option_text(body, oid, locale) for oid in response or [])

    def correct_summary(self, body, locale):
        return "; ".join(self._option_text(body, oid, locale) for oid in self.correct_ids(body))


_TF_WORDS = {"en": {True: "True", False: "False"}, "zh": {True: "正确", False: "错误"}}


class TrueFalse(QuestionType):
    name = "true_false"
    template = "quizzes/types/_true_false.html"

    def validate(self, raw, field, err):
        answer = raw.get("answer")
        if not isinstance(answer, bool):
            err.add(f"{field}.answer", "true_false needs answer: true or answer: false")
        if "options" in raw:
            err.add(f"{field}.options", "true_false takes no options")
        if "shuffle" in raw:
            err.add(f"{field}.shuffle", "is only for single and multiple (true_false is always True, False)")
        return {"answer": answer is True}

    def parse_response(self, values, body):
        for value in values:
            if value in ("true", "false"):
                return value == "true"
        return None

    def grade(self, body, response):
        return response is not None and response == body.get("answer")

    def summarise(self, body, response, locale):
        return "" if response is None else _TF_WORDS.get(locale, _TF_WORDS["en"])[bool(response)]

    def correct_summary(self, body, locale):
        return _TF_WORDS.get(locale, _TF_WORDS["en"])[bool(body.get("answer"))]


QUESTION_TYPES: dict[str, QuestionType] = {}


def register(question_type: QuestionType) -> QuestionType:
    QUESTION_TYPES[question_type.name] = question_type
    return question_type


for _type in (SingleChoice(), MultipleChoice(), TrueFalse()):
    register(_type)


def get_question_type(name: str) -> QuestionType:
    return QUESTION_TYPES[name]
