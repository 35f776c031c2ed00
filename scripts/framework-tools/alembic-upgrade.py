"""Runs `alembic upgrade head` on the script folder argv[1] (its env.py and versions/) against
DATABASE_URL, so the server's statement log shows the SQL Alembic sends."""
import os
import sys

from alembic import command
from alembic.config import Config

config = Config()
config.set_main_option('script_location', os.path.abspath(sys.argv[1]))
config.set_main_option('sqlalchemy.url', os.environ['DATABASE_URL'])
command.upgrade(config, 'head')
