# The suggestions from the public (issue 14). Depends on committed migrations only.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agreements', '0011_facet_rows_decade_not_stated'),
        ('cities', '0004_history'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Suggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('correction', 'correction'), ('partnership', 'new partnership')], max_length=12, verbose_name='kind')),
                ('status', models.CharField(choices=[('new', 'waiting for review'), ('accepted', 'accepted as a draft'), ('declined', 'declined')], db_index=True, default='new', max_length=10, verbose_name='status')),
                ('object_id', models.PositiveBigIntegerField(blank=True, null=True)),
                ('record_label', models.CharField(blank=True, max_length=300, verbose_name='record')),
                ('field', models.CharField(blank=True, help_text='Empty: described in the text.', max_length=40, verbose_name='field')),
                ('proposed', models.TextField(max_length=2000, verbose_name='proposed change')),
                ('city_name', models.CharField(blank=True, max_length=200, verbose_name='city, as typed')),
                ('partner_name', models.CharField(blank=True, max_length=200, verbose_name='partner city, as typed')),
                ('partnership_kind', models.CharField(blank=True, max_length=16, verbose_name='kind of partnership')),
                ('established', models.CharField(blank=True, max_length=100, verbose_name='established, as written')),
                ('source', models.CharField(blank=True, help_text='A web address or a citation.', max_length=1000, verbose_name='source')),
                ('name', models.CharField(blank=True, max_length=100, verbose_name='name of the sender')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail of the sender')),
                ('language', models.CharField(max_length=10, verbose_name='language')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='received')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                ('reason', models.TextField(blank=True, verbose_name='reason for declining')),
                ('cities', models.ManyToManyField(blank=True, related_name='+', to='cities.city', verbose_name='cities concerned')),
                ('city', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cities.city', verbose_name='city')),
                ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype', verbose_name='record type')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('draft_partnership', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='agreements.partnership', verbose_name='draft partnership')),
                ('draft_source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cities.source', verbose_name='source recorded')),
                ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cities.city', verbose_name='partner city')),
            ],
            options={
                'verbose_name': 'suggestion from the public',
                'verbose_name_plural': 'suggestions from the public',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['correction', 'partnership'])), name='suggestion_kind_valid'), models.CheckConstraint(condition=models.Q(('status__in', ['new', 'accepted', 'declined'])), name='suggestion_status_valid'), models.CheckConstraint(condition=models.Q(('kind', 'partnership'), ('object_id__isnull', False), _connector='OR'), name='suggestion_correction_has_record'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'partnership'), _negated=True), models.Q(('source', ''), _negated=True), _connector='OR'), name='suggestion_partnership_has_source')],
            },
        ),
    ]
