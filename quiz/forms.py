"""The answer sheet's shape: one optional choice per question. The rules (time, once, score) are
quiz.attempts'; the correct answer is never part of the form."""

import random

from django import forms
from django.utils.translation import gettext_lazy as _

from quiz.models import Question


def field_name(question: Question) -> str:
    return f"q{question.position}"


class AnswerSheet(forms.Form):
    """One radio group per question, answers in an order of their own for each attempt (a fixed
    order would let fans pass on "it's always the first one")."""

    def __init__(self, *args, questions: list[Question], seed: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            answers = list(question.answers.all())
            random.Random(f"{seed}:{question.pk}").shuffle(answers)
            self.fields[field_name(question)] = forms.TypedChoiceField(
                label=question.text,
                choices=[(str(answer.position), answer.text) for answer in answers],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("That is not an answer of this question.")},
            )

    def chosen(self) -> list[int | None]:
        """Per question in order: the chosen answer's position, or None."""
        return [self.cleaned_data.get(field_name(question)) for question in self.questions]

    def rows(self):
        """(question, bound field) pairs for the template."""
        return [(question, self[field_name(question)]) for question in self.questions]
