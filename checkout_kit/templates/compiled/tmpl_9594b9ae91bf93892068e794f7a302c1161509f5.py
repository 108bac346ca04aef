from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_cancel_scheduled.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'membership_cancel_scheduled.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Cancellation scheduled'
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
    l_0_access_until = resolve('access_until')
    l_0_plan = resolve('plan')
    l_0_manage_label = missing
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Your membership ends on '
    yield escape((undefined(name='access_until') if l_0_access_until is missing else l_0_access_until))
    yield '</h1>\n<p>Your membership (<strong>'
    yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
    yield '</strong>) is canceled: you keep full access until '
    yield escape((undefined(name='access_until') if l_0_access_until is missing else l_0_access_until))
    yield ', and you will not be charged again. Changed your mind? Renew it before then.</p>\n'
    l_0_manage_label = 'Renew your membership'
    _block_vars['manage_label'] = l_0_manage_label
    template = environment.get_template('_manage.html', 'membership_cancel_scheduled.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'manage_label': l_0_manage_label}))
    try:
        for event in gen:
            yield event
    finally: gen.close()

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&4=33&5=35&6=39&7=41'