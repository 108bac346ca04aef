from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_action_required.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_member_name = resolve('member_name')
    l_0_amount = resolve('amount')
    l_0_currency = resolve('currency')
    l_0_plan = resolve('plan')
    l_0_hosted_invoice_url = resolve('hosted_invoice_url')
    l_0_manage_url = resolve('manage_url')
    l_0_site_url = resolve('site_url')
    l_0_support_email = resolve('support_email')
    l_0_shop_name = resolve('shop_name')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield 'Hello'
    if (undefined(name='member_name') if l_0_member_name is missing else l_0_member_name):
        pass
        yield ' '
        yield str((undefined(name='member_name') if l_0_member_name is missing else l_0_member_name))
    yield ',\n\nyour bank asks you to confirm the '
    yield str(t_1(context, (undefined(name='amount') if l_0_amount is missing else l_0_amount), (undefined(name='currency') if l_0_currency is missing else l_0_currency)))
    yield ' payment for your membership ('
    yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
    yield ').\n'
    if (undefined(name='hosted_invoice_url') if l_0_hosted_invoice_url is missing else l_0_hosted_invoice_url):
        pass
        yield 'Confirm it here: '
        yield str((undefined(name='hosted_invoice_url') if l_0_hosted_invoice_url is missing else l_0_hosted_invoice_url))
        yield '\n'
    yield '\nOr use another card: '
    yield str((undefined(name='manage_url') if l_0_manage_url is missing else l_0_manage_url))
    yield '\n(This link works once, for 30 minutes. For a new one, enter your email at '
    yield str((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/account.html.)\n\n'
    if (undefined(name='support_email') if l_0_support_email is missing else l_0_support_email):
        pass
        yield 'Questions? Reply to this email or write to '
        yield str((undefined(name='support_email') if l_0_support_email is missing else l_0_support_email))
        yield '.'
    yield '\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=27&3=32&4=36&5=39&8=42&9=44&11=46&13=52'