"""Runs `manage.py migrate <app>` for the app folder argv[1] against DATABASE_URL (PostgreSQL), with a
minimal settings module, so the server's statement log shows the SQL Django sends."""
import os
import sys
from urllib.parse import urlparse

import django
from django.conf import settings
from django.core.management import call_command

app_dir = os.path.abspath(sys.argv[1])
url = urlparse(os.environ['DATABASE_URL'])
sys.path.insert(0, os.path.dirname(app_dir))
settings.configure(
    DATABASES={'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': url.path.lstrip('/'),
        'USER': url.username,
        'HOST': url.hostname,
        'PORT': url.port,
    }},
    INSTALLED_APPS=[os.path.basename(app_dir)],
    USE_TZ=True,
    DEFAULT_AUTO_FIELD='django.db.models.BigAutoField',
)
django.setup()
call_command('migrate', os.path.basename(app_dir), verbosity=0)
