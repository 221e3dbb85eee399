"""Demo quizzes: one open now (5 questions, 2 minutes) and last week's, already frozen with its
result posted, both with a thread in the announcements board; built through the real functions.
Run after the demo forum. Safe to run again: it makes nothing once the open quiz exists."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from forum import posting
from forum.models import Board
from quiz import attempts, freezing
from quiz.models import Answer, Question, Quiz

OPEN_TITLE = "智勇大冲关：你有多了解 MIUI？ How well do you know MIUI?"
PAST_TITLE = "智勇大冲关 第 1 期 Round 1: the router"

OPEN_QUESTIONS = [
    (
        "MIUI 的开发版每周什么时候发布？ When do the weekly builds come out?",
        ["周一 Monday", "周五 Friday", "周日 Sunday"],
        1,
    ),
    (
        "“橙色星期五”的颜色来自哪里？ Where does Orange Friday get its colour?",
        ["品牌色 The brand colour", "日落 Sunsets"],
        0,
    ),
    (
        "四格体验报告有几格？ How many cells does the weekly report have?",
        ["三 Three", "四 Four", "五 Five", "六 Six"],
        1,
    ),
    ("爆米花奖颁给谁？ Who gets the Popcorn Award?", ["花粉 Fans", "工程师 Engineers", "产品经理 PMs"], 1),
    ("一次答题可以提交几次？ How many times can you submit an attempt?", ["一次 Once", "三次 Three times"], 0),
]
PAST_QUESTIONS = [
    ("路由器有几根天线？ How many antennas does the router have?", ["二 Two", "四 Four", "六 Six"], 1),
    ("它支持哪种 Wi-Fi？ Which Wi-Fi does it support?", ["Wi-Fi 5", "Wi-Fi 6", "Wi-Fi 7"], 1),
]


def _make_quiz(*, title, questions, opens_at, closes_at, thread, by) -> Quiz:
    quiz = Quiz.objects.create(
        title=title,
        description="每人一次机会，限时作答；答案在结束后公布。One attempt each; the answers come out at the close.",
        thread=thread,
        opens_at=opens_at,
        closes_at=closes_at,
        time_limit=120,
        winner_count=3,
        created_by=by,
    )
    for position, (text, answers, correct) in enumerate(questions, start=1):
        question = Question.objects.create(quiz=quiz, position=position, text=text)
        Answer.objects.bulk_create(
            [
                Answer(question=question, position=n, text=answer, correct=n - 1 == correct)
                for n, answer in enumerate(answers, start=1)
            ]
        )
    Quiz.objects.filter(pk=quiz.pk).update(published=True)
    quiz.published = True
    return quiz


def create_demo_quizzes() -> bool:
    if Quiz.objects.filter(title=OPEN_TITLE).exists():
        return False
    admin = User.objects.get(username="admin")
    board = Board.objects.get(slug="announcements")
    now = timezone.now()
    with transaction.atomic():
        past_thread = posting.add_thread(
            board=board, author=admin, title=PAST_TITLE, source="答题开始啦！The quiz is open.", spam_limits=False
        )
        open_thread = posting.add_thread(
            board=board, author=admin, title=OPEN_TITLE, source="答题开始啦！The quiz is open.", spam_limits=False
        )
    past = _make_quiz(
        title=PAST_TITLE,
        questions=PAST_QUESTIONS,
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=3),
        thread=past_thread,
        by=admin,
    )
    for username, chosen, seconds in [("fan", [2, 2], 31), ("米粉小王", [2, 3], 18), ("moderator", [2, 2], 44)]:
        started = now - timedelta(days=5)
        attempt = attempts.start_attempt(quiz=past, fan=User.objects.get(username=username), now=started)
        attempts.submit_attempt(attempt=attempt, chosen=list(chosen), now=started + timedelta(seconds=seconds))
    freezing.freeze_quiz(quiz=past, now=now)
    _make_quiz(
        title=OPEN_TITLE,
        questions=OPEN_QUESTIONS,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
        thread=open_thread,
        by=admin,
    )
    return True
