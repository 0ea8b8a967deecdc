# Page came from the campaigns app: take over its table (state only), then give
# the table this app's name and move its content type and permissions along.

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.filter(app_label='campaigns', model='page').update(
        app_label='pages'
    )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.filter(app_label='pages', model='page').update(
        app_label='campaigns'
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('campaigns', '0002_campaign_statistic_actionday'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Page',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                        ('meta_description', models.CharField(help_text='One or two sentences shown by search engines and link previews.', max_length=300, verbose_name='meta description')),
                        ('body', models.TextField(help_text='Markdown: ## headings, **bold**, lists, [links](https://…).', verbose_name='body')),
                        ('is_published', models.BooleanField(default=False, verbose_name='published')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ],
                    options={
                        'verbose_name': 'page',
                        'ordering': ['title'],
                        'db_table': 'campaigns_page',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='page', table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
