from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'magic_link.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_purpose = resolve('purpose')
    l_0_shop_name = resolve('shop_name')
    l_0_link = resolve('link')
    l_0_minutes = resolve('minutes')
    l_0_site_url = resolve('site_url')
    pass
    yield 'Hello,\n\nhere is the link you asked for, to '
    yield str((undefined(name='purpose') if l_0_purpose is missing else l_0_purpose))
    yield ' at '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield ':\n\n'
    yield str((undefined(name='link') if l_0_link is missing else l_0_link))
    yield '\n\nIt works once, for '
    yield str((undefined(name='minutes') if l_0_minutes is missing else l_0_minutes))
    yield ' minutes. If it has expired, ask for a new one on '
    yield str((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '.\nIf you did not ask for it, ignore this email: nothing happens without the link.\n\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '3=17&5=21&7=23&10=27'