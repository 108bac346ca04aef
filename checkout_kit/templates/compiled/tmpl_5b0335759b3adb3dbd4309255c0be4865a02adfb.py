from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_ended.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_member_name = resolve('member_name')
    l_0_plan = resolve('plan')
    l_0_ended = resolve('ended')
    l_0_reason = resolve('reason')
    l_0_site_url = resolve('site_url')
    l_0_support_email = resolve('support_email')
    l_0_shop_name = resolve('shop_name')
    pass
    yield 'Hello'
    if (undefined(name='member_name') if l_0_member_name is missing else l_0_member_name):
        pass
        yield ' '
        yield str((undefined(name='member_name') if l_0_member_name is missing else l_0_member_name))
    yield ',\n\nyour membership ('
    yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
    yield ') ended'
    if (undefined(name='ended') if l_0_ended is missing else l_0_ended):
        pass
        yield ' on '
        yield str((undefined(name='ended') if l_0_ended is missing else l_0_ended))
    if ((undefined(name='reason') if l_0_reason is missing else l_0_reason) == 'payment_failed'):
        pass
        yield ', because the payment could not be made'
    yield '. Thank you for being a member.\n\nYou are welcome back any time: '
    yield str((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/\n\n'
    if (undefined(name='support_email') if l_0_support_email is missing else l_0_support_email):
        pass
        yield 'Questions? Reply to this email or write to '
        yield str((undefined(name='support_email') if l_0_support_email is missing else l_0_support_email))
        yield '.'
    yield '\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=19&3=24&5=34&7=36&9=42'