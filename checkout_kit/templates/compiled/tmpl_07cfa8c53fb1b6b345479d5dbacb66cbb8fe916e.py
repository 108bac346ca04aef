from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_welcome.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'membership_welcome.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Welcome'
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
    l_0_member_name = resolve('member_name')
    l_0_amount = resolve('amount')
    l_0_plan = resolve('plan')
    l_0_trial_end = resolve('trial_end')
    l_0_fulfillment = resolve('fulfillment')
    l_0_paid_label = l_0_manage_label = missing
    try:
        t_1 = environment.filters['default']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'default' found.")
    try:
        t_2 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Welcome'
    if (undefined(name='member_name') if l_0_member_name is missing else l_0_member_name):
        pass
        yield ', '
        yield escape((undefined(name='member_name') if l_0_member_name is missing else l_0_member_name))
    yield '!</h1>\n'
    if (((undefined(name='amount') if l_0_amount is missing else l_0_amount) == 0) and environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount')):
        pass
        yield '<p>Your free trial of <strong>'
        yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
        yield '</strong> has started'
        if (undefined(name='trial_end') if l_0_trial_end is missing else l_0_trial_end):
            pass
            yield ' and runs until '
            yield escape((undefined(name='trial_end') if l_0_trial_end is missing else l_0_trial_end))
        yield '. After it, the membership is '
        yield escape(t_2(context, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'currency')))
        yield ' per '
        yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'every'))
        yield '; cancel before the trial ends and you pay nothing.</p>\n'
    else:
        pass
        yield '<p>Your membership (<strong>'
        yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
        yield '</strong>) is active: '
        yield escape(t_2(context, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'currency')))
        yield ' per '
        yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'every'))
        yield ', renewed automatically until you cancel.</p>\n'
    l_0_paid_label = 'Paid today'
    _block_vars['paid_label'] = l_0_paid_label
    template = environment.get_template('_membership_lines.html', 'membership_welcome.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'manage_label': l_0_manage_label, 'paid_label': l_0_paid_label}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'access_url'):
        pass
        yield '<p><a href="'
        yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'access_url'))
        yield '">Open the members\' area</a></p>'
    for l_1_f in t_1((undefined(name='fulfillment') if l_0_fulfillment is missing else l_0_fulfillment), []):
        _loop_vars = {}
        pass
        if ((environment.getattr(l_1_f, 'type') == 'download') and environment.getattr(l_1_f, 'url')):
            pass
            yield '<p><a href="'
            yield escape(environment.getattr(l_1_f, 'url'))
            yield '">Download '
            yield escape(environment.getattr(l_1_f, 'description'))
            yield '</a></p>'
    l_1_f = missing
    l_0_manage_label = 'Manage your membership'
    _block_vars['manage_label'] = l_0_manage_label
    template = environment.get_template('_manage.html', 'membership_welcome.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'manage_label': l_0_manage_label, 'paid_label': l_0_paid_label}))
    try:
        for event in gen:
            yield event
    finally: gen.close()

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&4=48&5=53&6=56&8=70&10=76&11=78&12=84&13=89&14=100&15=102'