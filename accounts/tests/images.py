"""Image files for upload tests, made with Pillow."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="JPEG", size=(800, 600), color=(255, 103, 0), exif_gps=False, mode="RGB") -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, color)
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "CanyuCam"  # Make
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPSInfo: latitude
        kwargs["exif"] = exif
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
