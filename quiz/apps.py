from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizConfig(AppConfig):
    name = "quiz"
    verbose_name = _("Quizzes")

    def ready(self):
        # The quiz-winner medal's rule (honour does not import quiz).
        from honour import medals
        from honour.models import Medal
        from quiz import honours

        medals.register_rule(Medal.Rule.QUIZ_WINNER, honours.quiz_winners)
