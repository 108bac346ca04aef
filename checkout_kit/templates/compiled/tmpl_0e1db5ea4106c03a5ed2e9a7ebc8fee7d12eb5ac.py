from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_layout.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_title = resolve('title')
    l_0_shop = resolve('shop')
    l_0_site_url = resolve('site_url')
    l_0_shop_name = resolve('shop_name')
    l_0_support_email = resolve('support_email')
    pass
    yield '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>'
    yield escape((undefined(name='title') if l_0_title is missing else l_0_title))
    yield '</title></head>\n<body style="margin:0;padding:24px;background:#f6f8fb;font-family:system-ui,-apple-system,\'Segoe UI\',Roboto,sans-serif;color:#1a1f36;">\n<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:28px;border-top:4px solid '
    yield escape(environment.getattr((undefined(name='shop') if l_0_shop is missing else l_0_shop), 'accent'))
    yield ';">\n<p style="margin:0 0 4px;color:#5b6275;font-size:14px;">'
    if environment.getattr((undefined(name='shop') if l_0_shop is missing else l_0_shop), 'logo'):
        pass
        yield '<img src="'
        yield escape((environment.getattr((undefined(name='shop') if l_0_shop is missing else l_0_shop), 'logo') if context.call(environment.getattr(environment.getattr((undefined(name='shop') if l_0_shop is missing else l_0_shop), 'logo'), 'startswith'), 'https://') else markup_join(((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url), environment.getattr((undefined(name='shop') if l_0_shop is missing else l_0_shop), 'logo'), ))))
        yield '" alt="" width="32" height="32" style="vertical-align:middle;margin-right:8px;">'
    yield escape((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '</p>\n'
    yield from context.blocks['body'][0](context)
    if (undefined(name='support_email') if l_0_support_email is missing else l_0_support_email):
        pass
        yield '<p style="margin:28px 0 0;color:#5b6275;font-size:13px;">Questions? Reply to this email or write to <a href="mailto:'
        yield escape((undefined(name='support_email') if l_0_support_email is missing else l_0_support_email))
        yield '">'
        yield escape((undefined(name='support_email') if l_0_support_email is missing else l_0_support_email))
        yield '</a>.</p>'
    yield '</div>\n</body>\n</html>\n'

def block_body(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

blocks = {'body': block_body}
debug_info = '3=17&5=19&6=21&7=28&8=29&7=38'