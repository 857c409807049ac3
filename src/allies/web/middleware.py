"""Chinese first: the UI language is the one the user chose, else zh-hans, never the browser's guess.

Django's LocaleMiddleware would follow the browser's Accept-Language, which shows English
to the many users in China whose systems are set to English. Here the language switch
(a cookie) decides, and everyone else gets LANGUAGE_CODE.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
