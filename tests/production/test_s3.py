"""
Media on S3-compatible storage: a local S3 endpoint (moto's server mode) is
started for these tests; an image uploaded through the model is stored in the
bucket and read back byte for byte, the product page stores its renditions there
too, and deleting removes it. Plus the settings that select it from the
environment, and the deploy check for a half-done setup.
"""

import io
import socket
import subprocess
import sys
import time

import boto3
import pytest
from PIL import Image

from tests.production.servers import free_port
from tests.shop.factories import ProductImageFactory, VariantFactory, png_file
from tests.test_settings import PRODUCTION, manage

BUCKET = "redeeming-hope-media"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS
    )
    client.create_bucket(Bucket=BUCKET)
    # What MEDIA_STORAGE=s3 and the AWS_* variables make of STORAGES.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "custom_domain": None,
                "location": "",
                "querystring_auth": False,
                "default_acl": None,
                "file_overwrite": False,
                "object_parameters": {"CacheControl": "public, max-age=604800"},
            },
        },
    }
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(
        item["Key"]
        for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    )


@pytest.mark.django_db
def test_media_round_trips_through_the_bucket(bucket, client, s3_endpoint, tmp_path):
    upload = png_file("blue-shirt.png", size=(900, 600))
    variant = VariantFactory()
    picture = ProductImageFactory(product=variant.product, image=upload)

    name = picture.image.name
    assert keys(bucket) == [name]
    # The original is stored re-encoded without metadata (core/uploads.py): what
    # the bucket holds is what the storage reads back, byte for byte, and it is
    # still the same picture.
    stored = bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    picture.image.open("rb")
    assert picture.image.read() == stored
    picture.image.close()
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("PNG", (900, 600))
    assert picture.image.url == f"{s3_endpoint}/{BUCKET}/{name}"  # no signature
    assert not (tmp_path / "media").exists()  # nothing on the local disk

    page = client.get(variant.product.get_absolute_url())
    assert page.status_code == 200
    renditions = [key for key in keys(bucket) if key.startswith("renditions/")]
    assert renditions, "the product page stored its renditions in the bucket"
    html = page.content.decode()
    assert f"{s3_endpoint}/{BUCKET}/renditions/" in html

    picture.image.delete(save=True)
    assert name not in keys(bucket)


@pytest.mark.django_db
def test_a_second_upload_with_the_same_name_keeps_the_first(bucket):
    first = ProductImageFactory(image=png_file("same.png"))
    second = ProductImageFactory(image=png_file("same.png"))
    assert first.image.name != second.image.name
    assert len(keys(bucket)) == 2


def _settings_of(env, tmp_path, expression):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings as s; print({expression})",
        env={**PRODUCTION, **env},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": BUCKET,
    "AWS_S3_REGION_NAME": "us-east-2",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "secret-example",
}


def test_the_environment_selects_s3(tmp_path):
    out = _settings_of(
        S3_ENV,
        tmp_path,
        "s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']"
        "['querystring_auth'], s.SECURE_CSP['img-src'][-1]",
    )
    assert out == (
        "storages.backends.s3.S3Storage False "
        f"https://{BUCKET}.s3.us-east-2.amazonaws.com"
    )


def test_local_media_is_the_default(tmp_path):
    out = _settings_of({}, tmp_path, "s.STORAGES['default']['BACKEND']")
    assert out == "django.core.files.storage.FileSystemStorage"


@pytest.mark.parametrize(
    ("missing", "error"),
    [("AWS_STORAGE_BUCKET_NAME", "core.E001"), ("AWS_SECRET_ACCESS_KEY", "core.E002")],
)
def test_half_set_s3_fails_the_deploy_check(tmp_path, missing, error):
    env = {k: v for k, v in S3_ENV.items() if k != missing}
    result = manage("check", "--deploy", env={**PRODUCTION, **env}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert error in result.stderr


def test_shared_cache_with_local_media_warns(tmp_path):
    env = {**PRODUCTION, "CACHE_URL": "redis://127.0.0.1:6379/12"}
    result = manage("check", "--deploy", env=env, tmp_path=tmp_path)
    assert "core.W002" in result.stderr
    with_s3 = manage("check", "--deploy", env={**env, **S3_ENV}, tmp_path=tmp_path)
    assert "core.W002" not in with_s3.stderr


def test_media_served_by_the_app_warns(settings):
    from core.checks import check_media_storage

    settings.DEBUG = False
    settings.SERVE_MEDIA = True
    assert [message.id for message in check_media_storage()] == ["core.W001"]
    settings.SERVE_MEDIA = False
    assert check_media_storage() == []
