from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_manage.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_manage_url = resolve('manage_url')
    l_0_manage_label = resolve('manage_label')
    l_0_site_url = resolve('site_url')
    try:
        t_1 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    pass
    if t_1((undefined(name='manage_url') if l_0_manage_url is missing else l_0_manage_url)):
        pass
        yield '<p><a href="'
        yield escape((undefined(name='manage_url') if l_0_manage_url is missing else l_0_manage_url))
        yield '" style="display:inline-block;background:#635bff;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none;">'
        yield escape((undefined(name='manage_label') if l_0_manage_label is missing else l_0_manage_label))
        yield '</a></p>\n<p style="color:#5b6275;font-size:13px;">The button works once, for 30 minutes. For a new link, enter your email at <a href="'
        yield escape((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
        yield '/account.html">'
        yield escape((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
        yield '/account.html</a>.</p>\n'

blocks = {}
debug_info = '1=20&2=23&3=27'