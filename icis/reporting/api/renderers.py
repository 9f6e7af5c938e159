"""Renderers that let DRF's `?format=` content negotiation choose the form's files.

The view hands them the finished bytes; an error response never reaches them (the view switches
errors back to JSON), so they never have to render a dict.
"""

from rest_framework.renderers import BaseRenderer

from ..export import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE


class _FileRenderer(BaseRenderer):
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XLSXRenderer(_FileRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"


class PDFRenderer(_FileRenderer):
    media_type = PDF_CONTENT_TYPE
    format = "pdf"


FILE_FORMATS = (XLSXRenderer.format, PDFRenderer.format)
