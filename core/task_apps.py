"""django-tasks-db's queue as the admin shows it to an Administrator: under a
plain name (in INSTALLED_APPS as core.task_apps.BackgroundTasksConfig). Its own
module, so that core/apps.py keeps exactly one app config."""

from django_tasks_db.apps import TasksAppConfig


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = "Background tasks (emails, fee lookups)"
