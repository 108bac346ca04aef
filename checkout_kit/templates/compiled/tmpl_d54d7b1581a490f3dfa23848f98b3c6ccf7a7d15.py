from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_payment_failed.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'membership_payment_failed.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Payment failed'
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
    l_0_amount = resolve('amount')
    l_0_currency = resolve('currency')
    l_0_plan = resolve('plan')
    l_0_next_attempt = resolve('next_attempt')
    l_0_manage_label = missing
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Your payment did not go through</h1>\n<p>We could not charge your card <strong>'
    yield escape(t_1(context, (undefined(name='amount') if l_0_amount is missing else l_0_amount), (undefined(name='currency') if l_0_currency is missing else l_0_currency)))
    yield '</strong> for your membership ('
    yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
    yield '). Your membership is still on'
    if (undefined(name='next_attempt') if l_0_next_attempt is missing else l_0_next_attempt):
        pass
        yield ', and we try again on '
        yield escape((undefined(name='next_attempt') if l_0_next_attempt is missing else l_0_next_attempt))
    yield '.</p>\n<p>Please update your card, and we charge it right away. If the payment cannot be made, the membership ends.</p>\n'
    l_0_manage_label = 'Update your card'
    _block_vars['manage_label'] = l_0_manage_label
    template = environment.get_template('_manage.html', 'membership_payment_failed.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'manage_label': l_0_manage_label}))
    try:
        for event in gen:
            yield event
    finally: gen.close()

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&5=41&7=50&8=52'