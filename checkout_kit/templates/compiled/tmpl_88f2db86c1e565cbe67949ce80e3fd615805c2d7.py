from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_ended.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'membership_ended.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Membership ended'
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
    l_0_plan = resolve('plan')
    l_0_ended = resolve('ended')
    l_0_reason = resolve('reason')
    l_0_site_url = resolve('site_url')
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Your membership has ended</h1>\n<p>Your membership (<strong>'
    yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
    yield '</strong>) ended'
    if (undefined(name='ended') if l_0_ended is missing else l_0_ended):
        pass
        yield ' on '
        yield escape((undefined(name='ended') if l_0_ended is missing else l_0_ended))
    if ((undefined(name='reason') if l_0_reason is missing else l_0_reason) == 'payment_failed'):
        pass
        yield ', because the payment could not be made'
    yield '. Thank you for being a member.</p>\n<p><a href="'
    yield escape((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/" style="display:inline-block;background:#635bff;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none;">Join again</a></p>\n'

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&5=34&6=44'