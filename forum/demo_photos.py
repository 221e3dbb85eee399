"""Demo pictures for the photography board: drawn with Pillow (a sunset, a city at night, a lake at
dawn), then posted as a fan posts a picture (forum.attachments: checked, re-encoded, thumbnail, the
Markdown appended), so the board looks like one. Each picture takes a fraction of a second.

Safe to run again: a thread is only made when the board has none of its title.
"""

import random
from io import BytesIO
from itertools import pairwise

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter

from accounts.models import User
from forum import attachments, posting
from forum.models import Board

WIDTH, HEIGHT = 1600, 1067  # 3:2, a phone camera's shape, small enough to draw and encode quickly


def _gradient(stops: list[tuple[float, tuple[int, int, int]]], size=(WIDTH, HEIGHT)) -> Image.Image:
    """A vertical gradient through ``stops`` (position 0–1 from the top, colour)."""
    column = Image.new("RGB", (1, 256))
    for y in range(256):
        t = y / 255
        for (p0, c0), (p1, c1) in pairwise(stops):
            if p0 <= t <= p1:
                k = (t - p0) / (p1 - p0) if p1 > p0 else 0
                column.putpixel((0, y), tuple(round(a + (b - a) * k) for a, b in zip(c0, c1, strict=True)))
                break
    return column.resize(size, Image.Resampling.BILINEAR)


def _ridge(draw: ImageDraw.ImageDraw, rng: random.Random, base: int, height: int, colour, step: int = 80) -> None:
    points = [(0, HEIGHT)]
    for x in range(0, WIDTH + step, step):
        points.append((x, base - rng.randint(0, height)))
    points.append((WIDTH, HEIGHT))
    draw.polygon(points, fill=colour)


def draw_sunset() -> Image.Image:
    rng = random.Random(1)
    image = _gradient([(0, (44, 32, 92)), (0.45, (214, 92, 86)), (0.62, (255, 170, 70)), (1, (60, 30, 40))])
    # The sun's glow, blurred at an eighth of the size (a wide blur at full size takes a second).
    glow = Image.new("RGB", (WIDTH // 8, HEIGHT // 8), (0, 0, 0))
    ImageDraw.Draw(glow).ellipse((77, 52, 122, 97), fill=(255, 200, 90))
    glow = glow.filter(ImageFilter.GaussianBlur(8)).resize(image.size, Image.Resampling.BILINEAR)
    image = Image.blend(image, glow, 0.35)
    draw = ImageDraw.Draw(image)
    draw.ellipse((720, 520, 880, 680), fill=(255, 226, 140))
    _ridge(draw, rng, 700, 140, (120, 50, 70))
    _ridge(draw, rng, 800, 100, (70, 30, 50))
    _ridge(draw, rng, 900, 60, (35, 18, 30), step=50)
    return image


def draw_city_at_night() -> Image.Image:
    rng = random.Random(2)
    image = _gradient([(0, (8, 12, 40)), (0.7, (30, 40, 90)), (1, (10, 10, 20))])
    draw = ImageDraw.Draw(image)
    draw.ellipse((1250, 110, 1350, 210), fill=(245, 240, 210))
    for _ in range(120):
        x, y = rng.randrange(WIDTH), rng.randrange(500)
        draw.point((x, y), fill=(230, 230, 255))
    x = 0
    while x < WIDTH:
        width, top = rng.randint(70, 160), rng.randint(380, 820)
        draw.rectangle((x, top, x + width, HEIGHT), fill=(18, 20, 32))
        for wy in range(top + 16, HEIGHT - 20, 28):
            for wx in range(x + 10, x + width - 14, 22):
                if rng.random() < 0.45:
                    draw.rectangle((wx, wy, wx + 10, wy + 14), fill=(255, 204, 102))
        x += width + rng.randint(4, 20)
    return image


def draw_lake_at_dawn() -> Image.Image:
    rng = random.Random(3)
    image = _gradient([(0, (150, 190, 235)), (0.5, (250, 215, 190)), (0.55, (90, 140, 150)), (1, (30, 70, 80))])
    draw = ImageDraw.Draw(image)
    for left, peak, right, colour in (
        (-100, 260, 700, (95, 110, 140)),
        (400, 180, 1200, (80, 95, 125)),
        (1000, 300, 1800, (100, 115, 145)),
    ):
        middle = (left + right) // 2
        draw.polygon([(left, 590), (middle, peak), (right, 590)], fill=colour)
        draw.polygon([(middle - 60, peak + 60), (middle, peak), (middle + 60, peak + 60)], fill=(245, 248, 252))
    reflection = image.crop((0, 2 * 590 - HEIGHT, WIDTH, 590)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    reflection = reflection.filter(ImageFilter.GaussianBlur(4))
    image.paste(Image.blend(reflection, Image.new("RGB", reflection.size, (30, 70, 80)), 0.45), (0, 590))
    for _ in range(40):  # ripples
        y, x = rng.randint(620, HEIGHT - 10), rng.randrange(WIDTH)
        draw.line((x, y, x + rng.randint(40, 160), y), fill=(200, 220, 225), width=2)
    return image


PHOTOS = [
    # author, title, text, alt text, drawing
    (
        "米粉小王",
        "成都的晚霞 Sunset in Chengdu",
        "用 Xiaomi Civi 4 拍的，没有后期。Shot on a Civi 4, no edits.",
        "晚霞中的远山 Mountains under a sunset sky",
        draw_sunset,
    ),
    (
        "fan",
        "深圳夜景 Shenzhen at night",
        "夜景模式，手持 2 秒。Night mode, handheld for two seconds.",
        "夜晚亮灯的高楼 Lit towers at night",
        draw_city_at_night,
    ),
    (
        "pm_lin",
        "清晨的湖 A lake at dawn",
        "周末去了趟山里，湖面像镜子一样。The lake was a mirror this weekend.",
        "雪山倒映在湖中 Snowy peaks mirrored in a lake",
        draw_lake_at_dawn,
    ),
]


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="PNG", compress_level=1)  # re-encoded as WebP by forum.attachments anyway
    return out.getvalue()


def create_demo_photos() -> int:
    """Post the demo pictures missing from the photography board; returns how many were posted."""
    board = Board.objects.filter(slug="photography").first()
    if board is None:
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in PHOTOS])}
    taken = set(board.threads.values_list("title", flat=True))
    posted = 0
    for username, title, text, alt, draw in PHOTOS:
        if title in taken or username not in users:
            continue
        upload = SimpleUploadedFile(f"{draw.__name__}.png", _png(draw()), content_type="image/png")
        image = attachments.store_post_image(uploader=users[username], upload=upload)
        posting.start_thread(
            board=board,
            author=users[username],
            title=title,
            source=f"{text}\n\n{attachments.image_markdown(image, alt)}",
        )
        attachments.mark_attached(image)
        posted += 1
    return posted
