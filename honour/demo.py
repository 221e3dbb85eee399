"""Demo medals: one per built-in rule and one granted by hand, granted by the same job as in
production, the fan showing theirs beside their name. Run after the other demos (their likes, votes,
reports and ballots gave the points already). Safe to run again: it makes nothing once medals exist."""

from django.db import transaction

from accounts.models import User
from honour import medals, points
from honour.models import Medal, MedalAward

MEDALS = [
    # slug, name, description, rule
    ("first-post", "第一帖 First post", "Wrote a first post in the forum.", Medal.Rule.FIRST_POST),
    ("shipped", "点子成真 Idea shipped", "An idea of yours shipped in a build.", Medal.Rule.FIRST_IDEA_SHIPPED),
    ("ten-reports", "十份报告 Ten reports", "Filed ten four-cell reports.", Medal.Rule.TEN_REPORTS),
    ("streak", "橙色星期五 Orange Friday streak", "Reported several weeks running.", Medal.Rule.REPORT_STREAK),
    ("popcorn", "爆米花 Popcorn winner", "Won a Popcorn Award.", Medal.Rule.POPCORN_WINNER),
    (
        "fixed",
        "反馈被修复 Feedback fixed",
        "An update you rated weakest was fixed in a later build.",
        Medal.Rule.FEEDBACK_FIXED,
    ),
    ("quiz", "答题王 Quiz winner", "Placed among a quiz's winners.", Medal.Rule.QUIZ_WINNER),
    ("helper", "热心米粉 Community helper", "Granted by the moderators for helping others.", ""),
]


def create_demo_medals() -> bool:
    if Medal.objects.exists():
        return False
    with transaction.atomic():
        for slug, name, description, rule in MEDALS:
            Medal.objects.create(slug=slug, name=name, description=description, rule=rule)
    points.recount_standings()
    medals.grant_automatic_medals()
    helpers = User.objects.filter(username__in=["米粉小王", "fan"]).values_list("pk", flat=True)
    medals.grant_medal(medal=Medal.objects.get(slug="helper"), user_ids=list(helpers))
    fan = User.objects.filter(username="fan").first()
    if fan is not None:
        shown = MedalAward.objects.filter(user=fan).order_by("pk").values_list("pk", flat=True)[: medals.SHOWN_LIMIT]
        medals.choose_shown_medals(user=fan, award_ids=list(shown))
    return True
