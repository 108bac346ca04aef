from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_welcome.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_member_name = resolve('member_name')
    l_0_amount = resolve('amount')
    l_0_plan = resolve('plan')
    l_0_trial_end = resolve('trial_end')
    l_0_number = resolve('number')
    l_0_lines = resolve('lines')
    l_0_currency = resolve('currency')
    l_0_fulfillment = resolve('fulfillment')
    l_0_manage_url = resolve('manage_url')
    l_0_site_url = resolve('site_url')
    l_0_support_email = resolve('support_email')
    l_0_shop_name = resolve('shop_name')
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
    yield 'Welcome'
    if (undefined(name='member_name') if l_0_member_name is missing else l_0_member_name):
        pass
        yield ', '
        yield str((undefined(name='member_name') if l_0_member_name is missing else l_0_member_name))
    yield '!\n\n'
    if (((undefined(name='amount') if l_0_amount is missing else l_0_amount) == 0) and environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount')):
        pass
        yield 'Your free trial of '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
        yield ' has started'
        if (undefined(name='trial_end') if l_0_trial_end is missing else l_0_trial_end):
            pass
            yield ' and runs until '
            yield str((undefined(name='trial_end') if l_0_trial_end is missing else l_0_trial_end))
        yield '. After it, the membership is '
        yield str(t_2(context, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'currency')))
        yield ' per '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'every'))
        yield '; cancel before the trial ends and you pay nothing.\n'
    else:
        pass
        yield 'Your membership ('
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
        yield ') is active: '
        yield str(t_2(context, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'amount'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'currency')))
        yield ' per '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'every'))
        yield ', renewed automatically until you cancel.\n'
    yield '\nReceipt'
    if (undefined(name='number') if l_0_number is missing else l_0_number):
        pass
        yield ' '
        yield str((undefined(name='number') if l_0_number is missing else l_0_number))
    yield ':\n'
    for l_1_line in (undefined(name='lines') if l_0_lines is missing else l_0_lines):
        _loop_vars = {}
        pass
        yield '  '
        yield str(environment.getattr(l_1_line, 'description'))
        yield '  '
        yield str(t_2(context, environment.getattr(l_1_line, 'amount'), environment.getattr(l_1_line, 'currency')))
        yield '\n'
    l_1_line = missing
    yield '  Paid today: '
    yield str(t_2(context, (undefined(name='amount') if l_0_amount is missing else l_0_amount), (undefined(name='currency') if l_0_currency is missing else l_0_currency)))
    yield '\n'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'access_url'):
        pass
        yield "\nMembers' area: "
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'access_url'))
        yield '\n'
    for l_1_f in t_1((undefined(name='fulfillment') if l_0_fulfillment is missing else l_0_fulfillment), []):
        _loop_vars = {}
        pass
        if ((environment.getattr(l_1_f, 'type') == 'download') and environment.getattr(l_1_f, 'url')):
            pass
            yield 'Download '
            yield str(environment.getattr(l_1_f, 'description'))
            yield ': '
            yield str(environment.getattr(l_1_f, 'url'))
            yield '\n'
    l_1_f = missing
    yield '\nManage your membership (update your card, switch plans, cancel any time):\n'
    yield str((undefined(name='manage_url') if l_0_manage_url is missing else l_0_manage_url))
    yield '\nThis link works once, for 30 minutes. For a new one, enter your email at '
    yield str((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/account.html.\n\n'
    if (undefined(name='support_email') if l_0_support_email is missing else l_0_support_email):
        pass
        yield 'Questions? Reply to this email or write to '
        yield str((undefined(name='support_email') if l_0_support_email is missing else l_0_support_email))
        yield '.'
    yield '\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=36&3=41&4=44&6=58&9=65&10=70&11=74&13=80&14=82&16=85&18=87&19=90&20=93&25=99&26=101&28=103&30=109'