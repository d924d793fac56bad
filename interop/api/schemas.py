import datetime as dt

from ninja import Schema


class FileOut(Schema):
    url: str
    media_type: str
    mime_type: str
    size: int


class WorkOut(Schema):
    id: int
    kind: str
    title_fr: str
    title_bm: str
    description_fr: str
    description_bm: str
    words_verbatim: str
    project: str
    date_made: dt.date | None
    licence: str
    page_url: str | None
    files: list[FileOut]


class WorkList(Schema):
    count: int
    offset: int
    limit: int
    items: list[WorkOut]


class ExhibitionOut(Schema):
    id: int
    title: str
    title_bm: str
    kind: str
    venue: str
    start_date: dt.date | None
    end_date: dt.date | None
    url: str
    work_count: int
    works: list[int]


class ExhibitionList(Schema):
    count: int
    items: list[ExhibitionOut]


class DownloadOut(Schema):
    label: str
    what: str
    lang: str
    url: str


class MaterialOut(Schema):
    id: int
    toolkit: str
    work: int
    title_fr: str
    title_bm: str
    summary_fr: str
    key_messages: list[str]
    duration_minutes: int | None
    secured_only: bool
    can_download: bool
    reason: str
    downloads: list[DownloadOut]


class MaterialList(Schema):
    count: int
    items: list[MaterialOut]


class NotFound(Schema):
    detail: str


class ScreeningResult(Schema):
    id: str | None = None
    status: str
    reference: str | None = None
    message: str | None = None
    replayed: bool | None = None
    errors: dict[str, list[str]] | None = None
