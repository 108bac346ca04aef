from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'magic_link.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'magic_link.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Your link'
    context.vars['title'] = l_0_title
    context.exported_vars.add('title')
    yield from parent_template.root_render_func(context)

def block_body(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_purpose = resolve('purpose')
    l_0_link = resolve('link')
    l_0_minutes = resolve('minutes')
    l_0_site_url = resolve('site_url')
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Your link to '
    yield escape((undefined(name='purpose') if l_0_purpose is missing else l_0_purpose))
    yield '</h1>\n<p><a href="'
    yield escape((undefined(name='link') if l_0_link is missing else l_0_link))
    yield '" style="display:inline-block;background:#635bff;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none;">Open '
    yield escape((undefined(name='purpose') if l_0_purpose is missing else l_0_purpose))
    yield '</a></p>\n<p style="color:#5b6275;font-size:13px;">It works once, for '
    yield escape((undefined(name='minutes') if l_0_minutes is missing else l_0_minutes))
    yield ' minutes. If it has expired, ask for a new one on <a href="'
    yield escape((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/">'
    yield escape((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '</a>. If you did not ask for it, ignore this email: nothing happens without the link.</p>\n'

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&4=34&5=36&6=40'