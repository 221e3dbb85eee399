"""The application form's shape: one answer per question of the programme."""

from django import forms

from canyu.text import validate_no_invisible_characters
from samples.models import ANSWER_MAX


class ApplicationForm(forms.Form):
    def __init__(self, *args, questions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            self.fields[f"answer{number}"] = forms.CharField(
                label=question,
                max_length=ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                validators=[validate_no_invisible_characters],
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data[f"answer{number}"] for number in range(1, len(self.questions) + 1)]
