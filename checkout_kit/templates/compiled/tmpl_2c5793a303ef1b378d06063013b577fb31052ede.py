from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_trial_ending.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'membership_trial_ending.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Your trial ends soon'
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
    l_0_trial_end = resolve('trial_end')
    l_0_plan = resolve('plan')
    l_0_manage_label = missing
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Your trial ends on '
    yield escape((undefined(name='trial_end') if l_0_trial_end is missing else l_0_trial_end))
    yield '</h1>\n<p>Then your membership (<strong>'
    yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
    yield '</strong>) continues at '
    yield escape(t_1(context, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'currency')))
    yield ' per '
    yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'every'))
    yield ', charged to your card. To change your card, switch plans or cancel before you are charged:</p>\n'
    l_0_manage_label = 'Manage your membership'
    _block_vars['manage_label'] = l_0_manage_label
    template = environment.get_template('_manage.html', 'membership_trial_ending.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'manage_label': l_0_manage_label}))
    try:
        for event in gen:
            yield event
    finally: gen.close()

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&4=39&5=41&6=47&7=49'