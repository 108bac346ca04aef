from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'merchant_membership.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_kind = resolve('kind')
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'merchant_membership.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = ('New member' if ((undefined(name='kind') if l_0_kind is missing else l_0_kind) == 'new') else 'Membership ended')
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
    l_0_title = resolve('title')
    l_0_member_name = resolve('member_name')
    l_0_email = resolve('email')
    l_0_plan = resolve('plan')
    l_0_kind = resolve('kind')
    l_0_trial_end = resolve('trial_end')
    l_0_amount = resolve('amount')
    l_0_currency = resolve('currency')
    l_0_ended = resolve('ended')
    l_0_reason = resolve('reason')
    l_0_subscription = resolve('subscription')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    try:
        t_2 = environment.filters['replace']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'replace' found.")
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">'
    yield escape((undefined(name='title') if l_0_title is missing else l_0_title))
    yield '</h1>\n<p>'
    yield escape(((undefined(name='member_name') if l_0_member_name is missing else l_0_member_name) or '—'))
    yield ' &lt;'
    yield escape(((undefined(name='email') if l_0_email is missing else l_0_email) or 'no email'))
    yield '&gt;</p>\n<p>'
    yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
    if ((undefined(name='kind') if l_0_kind is missing else l_0_kind) == 'new'):
        pass
        yield ': '
        yield escape(t_1(context, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'currency')))
        yield ' per '
        yield escape(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'every'))
        if (undefined(name='trial_end') if l_0_trial_end is missing else l_0_trial_end):
            pass
            yield ' (trial until '
            yield escape((undefined(name='trial_end') if l_0_trial_end is missing else l_0_trial_end))
            yield ')'
        yield '. Paid today: '
        yield escape(t_1(context, (undefined(name='amount') if l_0_amount is missing else l_0_amount), (undefined(name='currency') if l_0_currency is missing else l_0_currency)))
        yield '.'
    else:
        pass
        yield '. Ended '
        yield escape(((undefined(name='ended') if l_0_ended is missing else l_0_ended) or 'now'))
        if (undefined(name='reason') if l_0_reason is missing else l_0_reason):
            pass
            yield ' ('
            yield escape(t_2(context.eval_ctx, (undefined(name='reason') if l_0_reason is missing else l_0_reason), '_', ' '))
            yield ')'
        yield '.'
    yield '</p>\n<p style="color:#5b6275;font-size:13px;">Subscription '
    yield escape((undefined(name='subscription') if l_0_subscription is missing else l_0_subscription))
    yield '</p>\n'

blocks = {'body': block_body}
debug_info = '1=14&2=17&3=22&4=54&5=56&6=60&7=86'