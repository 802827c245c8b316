"""build_voice_pack SRC DEST: a hall's recordings → a voice pack (devices.voice.build_pack_from_recordings)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Normalise a folder of recordings into a voice pack for the hall screens."

    def add_arguments(self, parser):
        parser.add_argument("src")
        parser.add_argument("dest")
        parser.add_argument("--name", default=None)
        parser.add_argument("--allow-missing", action="store_true")

    def handle(self, *args, src, dest, name, allow_missing, **options):
        from devices.voice import VoicePackError, build_pack_from_recordings

        try:
            report = build_pack_from_recordings(src, dest, name=name, allow_missing=allow_missing)
        except VoicePackError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(str(report))
