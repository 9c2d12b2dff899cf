from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "sidebyside.voices"
    label = "voices"
    verbose_name = "Voices"

    def ready(self) -> None:
        from sidebyside.voices import join_cache, privacy, prompt_library

        join_cache.connect()
        privacy.register()
        prompt_library.connect()  # every new programme starts with the question library
