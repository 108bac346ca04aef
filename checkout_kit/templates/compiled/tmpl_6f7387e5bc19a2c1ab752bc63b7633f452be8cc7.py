from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_receipt.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'membership_receipt.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Your receipt'
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
    l_0_plan = resolve('plan')
    l_0_period_end = resolve('period_end')
    l_0_number = resolve('number')
    l_0_hosted_invoice_url = resolve('hosted_invoice_url')
    l_0_paid_label = l_0_manage_label = missing
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Thank you'
    if (undefined(name='member_name') if l_0_member_name is missing else l_0_member_name):
        pass
        yield ', '
        yield escape((undefined(name='member_name') if l_0_member_name is missing else l_0_member_name))
    yield '</h1>\n<p>Your membership (<strong>'
    yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
    yield '</strong>) is renewed'
    if (undefined(name='period_end') if l_0_period_end is missing else l_0_period_end):
        pass
        yield ' until '
        yield escape((undefined(name='period_end') if l_0_period_end is missing else l_0_period_end))
    yield '.</p>\n'
    if (undefined(name='number') if l_0_number is missing else l_0_number):
        pass
        yield '<p style="margin:0;color:#5b6275;">Receipt '
        yield escape((undefined(name='number') if l_0_number is missing else l_0_number))
        yield '</p>'
    l_0_paid_label = 'Paid'
    _block_vars['paid_label'] = l_0_paid_label
    template = environment.get_template('_membership_lines.html', 'membership_receipt.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'manage_label': l_0_manage_label, 'paid_label': l_0_paid_label}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    if (undefined(name='hosted_invoice_url') if l_0_hosted_invoice_url is missing else l_0_hosted_invoice_url):
        pass
        yield '<p><a href="'
        yield escape((undefined(name='hosted_invoice_url') if l_0_hosted_invoice_url is missing else l_0_hosted_invoice_url))
        yield '">View the invoice</a></p>'
    l_0_manage_label = 'Manage your membership'
    _block_vars['manage_label'] = l_0_manage_label
    template = environment.get_template('_manage.html', 'membership_receipt.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'manage_label': l_0_manage_label, 'paid_label': l_0_paid_label}))
    try:
        for event in gen:
            yield event
    finally: gen.close()

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&4=36&5=41&6=48&7=53&8=55&9=61&10=66&11=68'