# The hash chain, the request context, nullable actor and team (security events about nobody
# signed in), and the indexes for reading. Events already written are chained in id order here,
# before migration 0003 makes the table refuse every change.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def chain_existing_events(apps, schema_editor):
    from iptclinic.audit import chain as hash_chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    heads: dict[str, tuple[int, str]] = {}
    for event in AuditEvent.objects.using(schema_editor.connection.alias).order_by("id").iterator(
        chunk_size=2000
    ):
        chain = hash_chain.chain_for(event.team_id)
        sequence, previous = heads.get(chain, (0, hash_chain.GENESIS))
        event.chain, event.sequence, event.previous_hash = chain, sequence + 1, previous
        event.detail = hash_chain.normalised(event.detail or {})
        event.hash = hash_chain.event_hash(
            hash_chain.fields_of(event),
            chain=chain,
            sequence=event.sequence,
            previous_hash=previous,
        )
        AuditEvent.objects.using(schema_editor.connection.alias).filter(pk=event.pk).update(
            chain=event.chain,
            sequence=event.sequence,
            previous_hash=event.previous_hash,
            hash=event.hash,
            detail=event.detail,
        )
        heads[chain] = (event.sequence, event.hash)
    for chain, (sequence, last_hash) in heads.items():
        AuditChainHead.objects.using(schema_editor.connection.alias).create(
            chain=chain, last_sequence=sequence, last_hash=last_hash
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('audit', '0001_initial'),
        ('clients', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('chain', models.CharField(max_length=40, primary_key=True, serialize=False)),
                ('last_sequence', models.PositiveBigIntegerField(default=0)),
                ('last_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='occurred_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='team',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.team'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='session_ref',
            field=models.CharField(blank=True, max_length=16, default=''),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='address',
            field=models.CharField(blank=True, max_length=45, default=''),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='user_agent',
            field=models.CharField(blank=True, max_length=80, default=''),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain',
            field=models.CharField(editable=False, max_length=40, default=''),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='sequence',
            field=models.PositiveBigIntegerField(editable=False, default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='previous_hash',
            field=models.CharField(editable=False, max_length=64, default=''),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(editable=False, max_length=64, default=''),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain', 'sequence'), name='audit_chain_sequence'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['actor', 'occurred_at'], name='audit_actor_time_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['team', 'occurred_at'], name='audit_team_time_idx'),
        ),
    ]
