from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'merchant_membership.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_kind = resolve('kind')
    l_0_member_name = resolve('member_name')
    l_0_email = resolve('email')
    l_0_plan = resolve('plan')
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
    if ((undefined(name='kind') if l_0_kind is missing else l_0_kind) == 'new'):
        pass
        yield 'New member: '
        yield str(((undefined(name='member_name') if l_0_member_name is missing else l_0_member_name) or '—'))
        yield ' <'
        yield str(((undefined(name='email') if l_0_email is missing else l_0_email) or 'no email'))
        yield '>\nPlan: '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
        yield ', '
        yield str(t_1(context, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'currency')))
        yield ' per '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'every'))
        if (undefined(name='trial_end') if l_0_trial_end is missing else l_0_trial_end):
            pass
            yield ' (trial until '
            yield str((undefined(name='trial_end') if l_0_trial_end is missing else l_0_trial_end))
            yield ')'
        yield '\nPaid today: '
        yield str(t_1(context, (undefined(name='amount') if l_0_amount is missing else l_0_amount), (undefined(name='currency') if l_0_currency is missing else l_0_currency)))
        yield '\n'
    else:
        pass
        yield 'Membership ended: '
        yield str(((undefined(name='member_name') if l_0_member_name is missing else l_0_member_name) or '—'))
        yield ' <'
        yield str(((undefined(name='email') if l_0_email is missing else l_0_email) or 'no email'))
        yield '>\nPlan: '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
        yield '\nEnded: '
        yield str(((undefined(name='ended') if l_0_ended is missing else l_0_ended) or 'now'))
        if (undefined(name='reason') if l_0_reason is missing else l_0_reason):
            pass
            yield ' ('
            yield str(t_2(context.eval_ctx, (undefined(name='reason') if l_0_reason is missing else l_0_reason), '_', ' '))
            yield ')'
        yield '\n'
    yield '\nSubscription: '
    yield str((undefined(name='subscription') if l_0_subscription is missing else l_0_subscription))
    yield '\n'

blocks = {}
debug_info = '1=33&2=36&3=40&5=51&7=56&8=60&9=62&13=70'